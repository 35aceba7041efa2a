"""`python -m serving [any option of streamlit run]`: serve.py, as `./pog start` starts it.

The same as `streamlit run serve.py`, except that the address is checked before the port is bound
(serve.py checks it again as it is loaded, for a server started some other way)."""

from __future__ import annotations

from pathlib import Path

import click
from streamlit import config
from streamlit.web import bootstrap
from streamlit.web.cli import configurator_options

from serving import guard

SERVE = Path(__file__).resolve().parent.parent / "serve.py"


@click.command(context_settings={"max_content_width": 100})
@configurator_options
def main(**flags) -> None:
    config._main_script_path = str(SERVE)  # as `streamlit run` sets it: config and secrets beside the script
    bootstrap.load_config_options(flag_options=flags)
    guard.refuse_open_address()
    bootstrap.run_asgi_app(str(SERVE), "serve:app", [], flags)


if __name__ == "__main__":
    main()
