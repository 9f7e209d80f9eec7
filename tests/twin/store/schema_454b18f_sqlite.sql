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

CREATE INDEX ix_allocations_organisation ON allocations (organisation);

CREATE INDEX ix_allocations_person_id ON allocations (person_id);

CREATE INDEX ix_allocations_room_global_id ON allocations (room_global_id);

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

CREATE INDEX ix_device_alarms_building_id ON device_alarms (building_id);

CREATE INDEX ix_device_alarms_device_id ON device_alarms (device_id);

CREATE INDEX ix_device_alarms_state ON device_alarms (state);

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
