"""Users, trading organisations, login tokens and API keys."""
