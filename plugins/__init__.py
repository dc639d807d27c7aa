"""Built-in data-source plugins, each a package published under the `beacon.plugins`
entry point like any third-party plugin. They use only the plugin API (`core.plugins`)."""
