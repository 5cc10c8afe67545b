module zeroops.dev/lab/sample-service

go 1.19
