from monitor import app_state

app_state.page_header("nav.rollout", "common.placeholder")
