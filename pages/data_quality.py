from monitor import app_state

app_state.page_header("nav.data_quality", "common.placeholder")
