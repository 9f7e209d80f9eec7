"""Energy analysis (数字节能): meters on the model, consumption, quotas, anomalies, reports.

- :mod:`~twin.energy.meters`: which registry points are meters, their medium,
  kind (counter or interval), what they feed (rooms, a storey, a zone, the
  building, a parent meter) and how a shared meter is apportioned;
- :mod:`~twin.energy.rollup`: consumption from counters and interval values,
  rolled up hourly and daily in SQL (window functions, SQLite and PostgreSQL);
- :mod:`~twin.energy.calendar`: public holidays, 调休 and working hours;
- :mod:`~twin.energy.analysis`: consumption by building, storey, zone,
  department, organisation, room type or room, per m² and per person,
  working vs non-working hours, unmetered loss, kgce, CO₂ and cost;
- :mod:`~twin.energy.quotas`: annual quotas per organisation, year to date
  and projection;
- :mod:`~twin.energy.anomalies`: night/holiday use, jumps, sub-meters above
  their parent, raised as device alarms;
- :mod:`~twin.energy.report`: the monthly XLSX report with charts;
- :mod:`~twin.energy.service`: the domain's one entry point for the API, the
  command line and the twin's ticker.

Times are UTC inside; the calendar decides local days in its time zone.
"""
