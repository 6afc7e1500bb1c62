"""The orchestration of AuthDeck's benchmarks (stdlib only). Entry point: bench/bench.py."""
