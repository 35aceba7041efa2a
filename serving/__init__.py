"""How the dashboard is served (serve.py): the rule that keeps a server without login on loopback,
the host check, and Streamlit's front end sent compressed. Nothing here reads the warehouse."""
