"""One router per domain; ``api.app`` includes each."""
