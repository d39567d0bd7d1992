/**
 * The results panel's protocol under its first name: the protocol now lives
 * in resultsPanel.ts, beside calibratePanel.ts; this module stays for the
 * code that still imports it (extension/api.ts, the end-to-end tests).
 */
export * from './resultsPanel';
