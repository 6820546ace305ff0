"""The Textual app: screens, widgets and their .tcss; renders reports and starts workers (no database calls)."""
