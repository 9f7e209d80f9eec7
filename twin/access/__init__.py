"""Who may call the twin: API keys (hashed), their roles, permissions and building scopes."""
