"""Demo tooling: generated allocations and the device simulator behind ``twin demo``.

Nothing in the live twin depends on this package; it only feeds it."""
