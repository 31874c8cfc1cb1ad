"""The test suite (a package, so that its folders never shadow the packages they test)."""
