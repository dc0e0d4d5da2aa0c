/** Table mappings of assessment (考核): manual add / deduct entries, and one-time file tokens (ledger downloads, import uploads). */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface AssessmentAdjustmentRow {
  id: number;
  /** `grid` or `member`. */
  subjectKind: string;
  subjectId: number;
  /** Positive for 加分, negative for 扣分. */
  points: number;
  reason: string;
  /** The community (or above) that made the entry. */
  unitId: number;
  actorId: number;
  /** The entry counts in every period containing this instant. */
  effectiveAt: Date;
  createdAt: Date;
}

export const AssessmentAdjustmentSchema = new EntitySchema<AssessmentAdjustmentRow>({
  name: 'AssessmentAdjustment',
  tableName: 'assessment_adjustment',
  columns: {
    id: idColumn,
    subjectKind: { name: 'subject_kind', type: 'varchar', length: 16 },
    subjectId: { name: 'subject_id', type: 'int' },
    points: { type: 'double' },
    reason: { type: 'varchar', length: 500 },
    unitId: { name: 'unit_id', type: 'int' },
    actorId: { name: 'actor_id', type: 'int' },
    effectiveAt: dateColumn('effective_at'),
    createdAt: dateColumn('created_at'),
  },
  indices: [{ name: 'idx_assessment_adjustment_subject', columns: ['subjectKind', 'subjectId', 'effectiveAt'] }],
});

export const assessmentSchemas = [AssessmentAdjustmentSchema];
