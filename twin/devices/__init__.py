"""Live devices bound to the model.

``hub`` is the facade callers hold (:class:`~twin.devices.hub.DeviceService`);
behind it, over the shared ``live`` state: ``ingestion`` (HTTP batches and MQTT
reads, checked by ``pipeline``), ``alarming`` (point levels from ``rules``, the
``alarms`` lifecycle), ``watch`` (heartbeats and ``patrol`` rules),
``maintenance`` (``workorders``), ``history`` (stored readings, ``energy``,
``occupancy``). ``registry`` binds devices to elements, ``store`` persists,
``events`` is the bus SSE streams read; the MQTT wire code is ``mqtt/``."""
