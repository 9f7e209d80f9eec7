"""Housing staff's domain: office allocations, the office-space standards,
compliance checks and reports, and floor plans."""
