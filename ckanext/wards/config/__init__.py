"""The options of the wards plugins.

``<plugin>.yaml`` declares each plugin's own options, ``common.yaml`` the ones every wards
plugin reads (which organisations are the ward, the safe fetcher); ``declarations`` loads
them for ``tk.blanket.config_declarations``, ``checks`` refuses at start-up a value that
would only fail later.
"""
