// Imported first by bench/run.mjs: the benchmarks measure the gateway as it is deployed, with
// NODE_ENV=production, which libraries read when they load (graphql-js checks types with a bare
// `instanceof` only then; in development every failed check inspects the value's class name).
process.env.NODE_ENV ??= "production";
