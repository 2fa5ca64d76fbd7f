"""Thin interfaces over the assistant: the web app and chat page (``bots.web``), the Slack app."""
