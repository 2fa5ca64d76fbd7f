"""Shared kernel of the plans assistant: settings, errors and the command line."""
