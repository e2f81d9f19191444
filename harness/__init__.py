"""Start the app on a free port and drive Debian's Chromium: shared by the browser tests and the benchmarks."""
