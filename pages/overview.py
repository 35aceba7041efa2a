from monitor import app_state

app_state.page_header("nav.overview", "common.placeholder")
