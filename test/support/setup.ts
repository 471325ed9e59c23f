// Loaded before every test file: type-graphql needs the metadata polyfill first.
import "reflect-metadata";
