import { z } from 'zod';
import { call } from '../define';
import { HostScoreSchema, PlacementRequestSchema, PlacementSettingsSchema } from '../../model/placement';

export const placementCalls = {
  'placement.rank': call(
    PlacementRequestSchema,
    z.array(HostScoreSchema),
    'Scores every host for a VM of this size (free memory and CPU, networks, pools, app-tag spread), with the reasons.',
  ),
  'placement.settings': call(z.object({}).strict(), PlacementSettingsSchema, 'Overcommit ratios and memory kept for each host.'),
  'placement.setSettings': call(PlacementSettingsSchema, PlacementSettingsSchema, 'Changes the overcommit ratios and host reservations.'),
};
