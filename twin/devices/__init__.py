"""Live devices bound to the model: registry and bindings, ingestion (HTTP and
MQTT), alarm rules and alarms, heartbeats and patrol, work orders, history and
energy, and the event bus that SSE streams read."""
