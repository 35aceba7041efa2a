"""What `./pog start` serves: dashboard.py as Streamlit's ASGI app (st.App), behind the host check
and with Streamlit's front end precompressed (serving/). Started as `streamlit run serve.py`, so
every Streamlit option and flag applies as before; a server without login stops here unless it is
bound to loopback (docs/deployment.md)."""

import streamlit as st

from serving import guard, precompressed

guard.refuse_open_address()
app = st.App("dashboard.py", middleware=[guard.host_check(), precompressed.static_assets()])
