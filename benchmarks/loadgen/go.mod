module visio-archive/benchmarks/loadgen

go 1.21
