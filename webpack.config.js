// @ts-check
'use strict';
const path = require('path');

/** Extension host bundle: Node target, `vscode` provided by the host at run time. */
/** @type {import('webpack').Configuration} */
const extension = {
  name: 'extension',
  target: 'node',
  entry: './src/extension/main.ts',
  output: {
    path: path.resolve(__dirname, 'dist'),
    filename: 'extension.js',
    libraryTarget: 'commonjs2',
  },
  externals: { vscode: 'commonjs vscode' },
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [{ test: /\.ts$/, exclude: /node_modules/, use: [{ loader: 'ts-loader', options: { transpileOnly: true } }] }],
  },
  devtool: 'nosources-source-map',
  infrastructureLogging: { level: 'log' },
};

/** Webview bundle: browser target, one chunk so it loads under a nonce-only CSP. */
/** @type {import('webpack').Configuration} */
const webview = {
  name: 'webview',
  target: 'web',
  entry: { webview: './webview/src/main.ts', inspector: './webview/src/inspector/main.ts', messages: './webview/src/messages/main.ts' },
  output: { path: path.resolve(__dirname, 'dist'), filename: '[name].js' },
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [{
      test: /\.ts$/, exclude: /node_modules/,
      use: [{ loader: 'ts-loader', options: { transpileOnly: true, configFile: path.resolve(__dirname, 'webview/tsconfig.json') } }],
    }],
  },
  optimization: { splitChunks: false },
  performance: { hints: false },
  devtool: 'nosources-source-map',
};

module.exports = [extension, webview];
