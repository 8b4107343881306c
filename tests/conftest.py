"""Fixtures come from fixture modules (tests/fixtures/); nothing is imported from here.

Three tiers: `tests/unit/` (one unit each, fakes, a real Chroma folder), `tests/integration/`
(several units, real processes and loopback servers, still fakes for the models), and
`tests/real/` (the bundled models, `chroma run`, llama.cpp's server, Gradio and Chromium).
`pytest -m "not real and not server and not browser"` runs the fast tier alone.
"""

pytest_plugins = ["tests.fixtures.network", "tests.fixtures.pipelines", "tests.fixtures.poisoned"]
