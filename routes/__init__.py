"""HTTP routes: one Bottle app per feature, merged into the root app by portal.create_app()."""
