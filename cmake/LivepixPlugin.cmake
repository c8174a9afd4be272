# livepix_add_plugin(): placeholder until the plugin SDK lands.
