import type { Page } from 'playwright-core';
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

/** Runs `use` on a fresh page of a headless Chromium, closed afterwards. */
async function withPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({ executablePath: await resolveChromium(), args: CHROMIUM_ARGS });
  try {
    return await use(await browser.newPage({ viewport: { width: 2200, height: 800 } }));
  } finally {
    await browser.close();
  }
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
  return withPage(async (page) => {
    const search = query ? `?query=${encodeURIComponent(query)}` : '';
    await page.goto(`${uiUrl}/namespaces/${namespace}/workflows${search}`, { waitUntil: 'networkidle' });
    await page.getByTestId('workflows-summary-table-configuration-button').click();
    await page.getByTestId('orderable-list-item-KycPhase-add-button').click();
    await page.getByTestId('drawer-close-button').click();
    // The drawer slides away; a screenshot taken before it has gone would hide the table.
    await page.getByText('Configure Workflows Table').waitFor({ state: 'hidden' });
    await page.getByTestId('workflows-summary-table-header-cell-KycPhase').waitFor();
    await page.getByTestId('workflows-summary-configurable-table-row').first().waitFor();
    await page.screenshot({ path: screenshotPath });
    const headers = await page
      .locator('[data-testid^="workflows-summary-table-header-cell-"]')
      .allInnerTexts();
    const rows = await page.getByTestId('workflows-summary-configurable-table-row').allInnerTexts();
    return { headers: headers.map((text) => text.trim()), rows };
  });
}

/**
 * The text of a workflow's page in the UI once it has rendered `expected` (its input and result are
 * shown there, decoded by the codec endpoint when the UI has one), or whatever it shows after `timeoutMs`.
 */
export async function readWorkflowPage(
  uiUrl: string,
  namespace: string,
  workflowId: string,
  expected: string,
  timeoutMs = 15_000,
): Promise<string> {
  return withPage(async (page) => {
    await page.goto(`${uiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(workflowId)}`);
    await page
      .getByText(expected)
      .first()
      .waitFor({ timeout: timeoutMs })
      .catch(() => undefined);
    return page.locator('body').innerText();
  });
}
