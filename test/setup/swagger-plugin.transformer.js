// The Swagger CLI plugin (nest-cli.json) as a ts-jest AST transformer, so the
// document the e2e specs read at /docs-json is the one `nest build` serves:
// DTO and view doc comments and types included. Same options as the build.
const plugin = require('@nestjs/swagger/plugin');
const nestCli = require('../../nest-cli.json');

const { options } = nestCli.compilerOptions.plugins.find((p) => p.name === '@nestjs/swagger');

module.exports.name = 'nestjs-swagger-plugin';
// Bump when the options or this file change: ts-jest keys its cache on it.
module.exports.version = 1;
module.exports.factory = (compiler) => plugin.before(options, compiler.program);
