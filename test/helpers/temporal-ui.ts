import { chromium } from 'playwright-core';
import { resolveChromium } from '../../scripts/chromium';

/**
 * Flags for a headless Chromium on a machine without internet: no background networking, sync or component
 * updates (their connections would be refused, noisily), no GPU, no sandbox (CI runs as root).
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The rows of the UI's workflow list as an operator sees them, with the KycPhase column shown. */
export interface WorkflowListCapture {
  headers: string[];
  rows: string[];
}

/**
 * Opens the Temporal UI's workflow list in headless Chromium, adds the `KycPhase` column as an operator would
 * (table settings → KycPhase → add), saves a screenshot to `screenshotPath` and returns what the table shows.
 */
export async function captureWorkflowList(
  uiUrl: string,
  namespace: string,
  screenshotPath: string,
  query?: string,
): Promise<WorkflowListCapture> {
  const browser = await chromium.launch({ executablePath: await resolveChromium(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const search = query ? `?query=${encodeURIComponent(query)}` : '';
    await page.goto(`${uiUrl}/namespaces/${namespace}/workflows${search}`, { waitUntil: 'networkidle' });
    await page.getByTestId('workflows-summary-table-configuration-button').click();
    await page.getByTestId('orderable-list-item-KycPhase-add-button').click();
    await page.getByTestId('drawer-close-button').click();
    await page.getByTestId('workflows-summary-table-header-cell-KycPhase').waitFor();
    await page.getByTestId('workflows-summary-configurable-table-row').first().waitFor();
    await page.screenshot({ path: screenshotPath });
    const headers = await page
      .locator('[data-testid^="workflows-summary-table-header-cell-"]')
      .allInnerTexts();
    const rows = await page.getByTestId('workflows-summary-configurable-table-row').allInnerTexts();
    return { headers: headers.map((text) => text.trim()), rows };
  } finally {
    await browser.close();
  }
}
