CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(200) NOT NULL, 
	action VARCHAR(50) NOT NULL, 
	entity VARCHAR(200) NOT NULL, 
	"before" JSON, 
	"after" JSON, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_audit_log_entity ON audit_log (entity);

CREATE TABLE api_keys (
	name VARCHAR(100) NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	permissions JSON NOT NULL, 
	buildings JSON NOT NULL, 
	token_sha256 VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	revoked_at DATETIME, 
	PRIMARY KEY (name)
);

CREATE UNIQUE INDEX ix_api_keys_token_sha256 ON api_keys (token_sha256);

CREATE TABLE upload_jobs (
	id VARCHAR(32) NOT NULL, 
	building_id VARCHAR(64) NOT NULL, 
	actor VARCHAR(200) NOT NULL, 
	files JSON NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	stage VARCHAR(32) NOT NULL, 
	done INTEGER NOT NULL, 
	total INTEGER NOT NULL, 
	error TEXT, 
	owner VARCHAR(200) NOT NULL, 
	created_at DATETIME NOT NULL, 
	finished_at DATETIME, 
	heartbeat_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_upload_jobs_building_id ON upload_jobs (building_id);

CREATE INDEX ix_upload_jobs_state ON upload_jobs (state);

CREATE TABLE device_points (
	device_id VARCHAR(128) NOT NULL, 
	point VARCHAR(128) NOT NULL, 
	building_id VARCHAR(128) NOT NULL, 
	"row" TEXT NOT NULL, 
	PRIMARY KEY (device_id, point)
);

CREATE INDEX ix_device_points_building_id ON device_points (building_id);

CREATE TABLE device_readings (
	device_id VARCHAR(128) NOT NULL, 
	point VARCHAR(128) NOT NULL, 
	ts_us BIGINT NOT NULL, 
	value FLOAT NOT NULL, 
	PRIMARY KEY (device_id, point, ts_us)
);

CREATE TABLE device_alarms (
	id VARCHAR(32) NOT NULL, 
	building_id VARCHAR(128) NOT NULL, 
	device_id VARCHAR(128) NOT NULL, 
	global_id VARCHAR(64), 
	point VARCHAR(160) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	severity VARCHAR(16) NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	reason TEXT NOT NULL, 
	active BOOLEAN NOT NULL, 
	raised_at DATETIME NOT NULL, 
	acknowledged_at DATETIME, 
	acknowledged_by VARCHAR(128), 
	cleared_at DATETIME, 
	cleared_by VARCHAR(128), 
	PRIMARY KEY (id)
);

CREATE INDEX ix_device_alarms_device_id ON device_alarms (device_id);

CREATE INDEX ix_device_alarms_building_id ON device_alarms (building_id);

CREATE INDEX ix_device_alarms_state ON device_alarms (state);

CREATE TABLE work_orders (
	id VARCHAR(32) NOT NULL, 
	building_id VARCHAR(128) NOT NULL, 
	title TEXT NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	alarm_id VARCHAR(32), 
	device_id VARCHAR(128), 
	global_id VARCHAR(64), 
	space_id VARCHAR(64), 
	assignee VARCHAR(128), 
	started_at DATETIME, 
	done_at DATETIME, 
	notes TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_work_orders_building_id ON work_orders (building_id);

CREATE INDEX ix_work_orders_status ON work_orders (status);

CREATE TABLE work_order_viewpoints (
	id VARCHAR(32) NOT NULL, 
	work_order_id VARCHAR(32) NOT NULL, 
	created_at DATETIME NOT NULL, 
	created_by VARCHAR(128) NOT NULL, 
	body TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_work_order_viewpoints_work_order_id ON work_order_viewpoints (work_order_id);

CREATE TABLE energy_hourly (
	device_id VARCHAR(128) NOT NULL, 
	point VARCHAR(128) NOT NULL, 
	hour_us BIGINT NOT NULL, 
	day_us BIGINT NOT NULL, 
	amount FLOAT NOT NULL, 
	working FLOAT NOT NULL, 
	readings INTEGER NOT NULL, 
	PRIMARY KEY (device_id, point, hour_us)
);

CREATE INDEX ix_energy_hourly_hour ON energy_hourly (hour_us);

CREATE TABLE energy_daily (
	device_id VARCHAR(128) NOT NULL, 
	point VARCHAR(128) NOT NULL, 
	day_us BIGINT NOT NULL, 
	month_us BIGINT NOT NULL, 
	amount FLOAT NOT NULL, 
	working FLOAT NOT NULL, 
	PRIMARY KEY (device_id, point, day_us)
);

CREATE INDEX ix_energy_daily_day ON energy_daily (day_us);

CREATE TABLE energy_rollup_state (
	device_id VARCHAR(128) NOT NULL, 
	point VARCHAR(128) NOT NULL, 
	last_ts_us BIGINT NOT NULL, 
	PRIMARY KEY (device_id, point)
);

CREATE TABLE allocations (
	id INTEGER NOT NULL, 
	building_id VARCHAR(64) DEFAULT '' NOT NULL, 
	organisation VARCHAR(200) NOT NULL, 
	organ_level VARCHAR(50) NOT NULL, 
	department VARCHAR(200) NOT NULL, 
	person_id VARCHAR(100) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	rank_code VARCHAR(100) NOT NULL, 
	rank VARCHAR(100) NOT NULL, 
	room_global_id VARCHAR(64) NOT NULL, 
	room VARCHAR(200) NOT NULL, 
	posts JSON NOT NULL, 
	valid_from DATE NOT NULL, 
	valid_to DATE, 
	approved_extra_office BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_allocation_key UNIQUE (building_id, person_id, room_global_id, valid_from)
);

CREATE INDEX ix_allocations_building_id ON allocations (building_id);

CREATE INDEX ix_allocations_room_global_id ON allocations (room_global_id);

CREATE INDEX ix_allocations_person_id ON allocations (person_id);

CREATE INDEX ix_allocations_organisation ON allocations (organisation);

CREATE TABLE meeting_bookings (
	id VARCHAR(40) NOT NULL, 
	building_id VARCHAR(64) NOT NULL, 
	room_global_id VARCHAR(64) NOT NULL, 
	start_at DATETIME NOT NULL, 
	end_at DATETIME NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	title VARCHAR(300) NOT NULL, 
	organiser VARCHAR(200) NOT NULL, 
	organisation VARCHAR(200) NOT NULL, 
	attendees INTEGER NOT NULL, 
	visitors JSON NOT NULL, 
	step_free BOOLEAN NOT NULL, 
	series_id VARCHAR(40), 
	created_by VARCHAR(200) NOT NULL, 
	created_at DATETIME NOT NULL, 
	occupied_at DATETIME, 
	released_at DATETIME, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_meeting_bookings_series_id ON meeting_bookings (series_id);

CREATE INDEX ix_meeting_bookings_organisation ON meeting_bookings (organisation);

CREATE TRIGGER meeting_bookings_no_overlap_insert BEFORE INSERT ON meeting_bookings WHEN NEW.state IN ('pending', 'booked') AND EXISTS (SELECT 1 FROM meeting_bookings b WHERE b.building_id = NEW.building_id AND b.room_global_id = NEW.room_global_id AND b.id != NEW.id AND b.state IN ('pending', 'booked') AND b.start_at < NEW.end_at AND NEW.start_at < b.end_at) BEGIN SELECT RAISE(ABORT, 'meeting_bookings_no_overlap'); END;

CREATE TRIGGER meeting_bookings_no_overlap_update BEFORE UPDATE ON meeting_bookings WHEN NEW.state IN ('pending', 'booked') AND EXISTS (SELECT 1 FROM meeting_bookings b WHERE b.building_id = NEW.building_id AND b.room_global_id = NEW.room_global_id AND b.id != NEW.id AND b.state IN ('pending', 'booked') AND b.start_at < NEW.end_at AND NEW.start_at < b.end_at) BEGIN SELECT RAISE(ABORT, 'meeting_bookings_no_overlap'); END;

CREATE TABLE meeting_rooms (
	building_id VARCHAR(64) NOT NULL, 
	global_id VARCHAR(64) NOT NULL, 
	bookable BOOLEAN NOT NULL, 
	capacity INTEGER, 
	needs_approval BOOLEAN NOT NULL, 
	PRIMARY KEY (building_id, global_id)
);
