import { z } from 'zod';
import { reviewResultSchema } from '../review';

const alpha3 = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 3166-1 alpha-3 country code');
const text = z.string().optional();

/** The documented create body; SumSub accepts more fields, which the simulator ignores. */
export const createBody = z.object({
  externalUserId: z.string().min(1),
  email: text,
  phone: text,
  fixedInfo: z
    .object({
      firstName: text,
      lastName: text,
      dob: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
        .optional(),
      country: alpha3.optional(),
      addresses: z
        .array(
          z.object({
            street: text,
            buildingNumber: text,
            town: text,
            postCode: text,
            country: alpha3.optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

/** The sandbox `testCompleted` body: a RED must say whether the user may retry. */
export const testCompletedBody = reviewResultSchema.refine(
  (result) => result.reviewAnswer === 'GREEN' || result.reviewRejectType !== undefined,
  { path: ['reviewRejectType'], message: 'required when reviewAnswer is RED' },
);

/** `email`, `fixedInfo.firstName`, ...: which personal fields arrived, without their values. */
export function providedFields(body: z.infer<typeof createBody>): string[] {
  const top = (['email', 'phone'] as const).filter((name) => body[name] !== undefined);
  const fixed = Object.entries(body.fixedInfo ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([name]) => `fixedInfo.${name}`);
  return [...top, ...fixed].sort();
}
