"""Running jobs outside Glue (run-local, local Spark, the awsglue layer's runtimes) and starting them on AWS."""
