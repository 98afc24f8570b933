"""Relance: offline-first analytics and root-cause insight for BNPL debt recovery."""

__version__ = "0.1.0"
