// Types for summaryReporter.js, which stays CommonJS so that mocha's --reporter
// option can load it by path without a TypeScript loader.
import type Mocha from 'mocha';

declare class SpecWithSummary extends Mocha.reporters.Spec {}
export = SpecWithSummary;
