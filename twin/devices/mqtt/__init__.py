"""MQTT on the wire: our asyncio MQTT 5 subscriber, its packet codec, the
publisher the simulator and tests use, and ingestion of device topics."""
