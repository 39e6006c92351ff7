"""The themes shipped with the portal, inside the distribution as `portal.bundled_themes`.

Each sub-folder with a `theme.toml` is a theme; this file exists so the folder is a
package that editable and regular installs both find (docs/decisions.md).
"""
