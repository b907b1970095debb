/** The quality report, the overrides recorded on an episode, and a show's thresholds, as the API answers them. */
import { z } from 'zod';
import {
  effectiveQualitySettings,
  FINDING_CODES,
  type QualityOverride,
  type QualityReport,
  type QualitySettingsInput,
} from '../../core/quality.js';
import { resource, timestamp } from './common.js';

export const qualityFindingSchema = resource(
  'QualityFinding',
  z.object({
    code: z.enum(FINDING_CODES),
    severity: z.enum(['blocking', 'warning']),
    message: z.string().describe('A sentence an editor understands'),
    at: z
      .object({ start: z.number(), end: z.number() })
      .optional()
      .describe('Where it is in the recording, in seconds'),
    data: z
      .record(z.string(), z.union([z.number(), z.string()]))
      .optional()
      .describe('The figures the sentence quotes'),
  }),
);

export const qualityReportSchema = resource(
  'QualityReport',
  z.object({
    findings: z.array(qualityFindingSchema),
    blocking: z.boolean().describe('Publishing needs an override with a reason'),
    analysed: z
      .boolean()
      .describe('False for recordings processed before the analysis existed, or not yet processed'),
  }),
);

export const qualityOverrideSchema = resource(
  'QualityOverride',
  z.object({
    reason: z.string(),
    by: z.object({
      kind: z.enum(['user', 'token']),
      id: z.string().nullable(),
      name: z.string(),
    }),
    at: timestamp,
    findings: z.array(z.enum(FINDING_CODES)).describe('The blocking findings it overrode'),
  }),
);

export const qualitySettingsJsonSchema = resource(
  'QualitySettings',
  z.object({
    deadAirSeconds: z.number(),
    silenceThresholdDb: z.number(),
    clippingPercent: z.number(),
    deadChannelDb: z.number(),
    phaseCancelDb: z.number(),
    loudnessToleranceLu: z.number(),
    minDurationSeconds: z.number(),
    severities: z.record(z.enum(FINDING_CODES), z.enum(['blocking', 'warning', 'off'])),
  }),
);

export function qualityReportJson(report: QualityReport): z.input<typeof qualityReportSchema> {
  return {
    findings: report.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      ...(f.at ? { at: { ...f.at } } : {}),
      ...(f.data ? { data: { ...f.data } } : {}),
    })),
    blocking: report.blocking,
    analysed: report.analysed,
  };
}

export function qualityOverrideJson(o: QualityOverride): z.input<typeof qualityOverrideSchema> {
  return { reason: o.reason, by: { ...o.by }, at: o.at, findings: [...o.findings] };
}

/** The thresholds in effect (the show's over the defaults). */
export function qualitySettingsJson(
  stored: QualitySettingsInput | null | undefined,
): z.input<typeof qualitySettingsJsonSchema> {
  const s = effectiveQualitySettings(stored);
  return { ...s, severities: { ...s.severities } };
}
