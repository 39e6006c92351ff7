"""The plugin host. Plugin authors import from `portal` itself: see docs/plugins.md."""
