"""Maintenance scripts run by hand (not at build time): ``python -m sciatica_course.tools.<name>``."""
