"""The live twin: buildings, their cache and registry, and the command line."""
