"""Meeting rooms (会议一件事): bookable rooms from the model, bookings that the
database keeps free of double bookings, room search by walking distance, and
the ties to live occupancy (no-show release), access control (door grants on
the visitor's route) and calendars (iCalendar export)."""
