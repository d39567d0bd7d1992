/** Saliency maps (MARGIN case II): the superpixels they are computed over. */
export { slic } from './slic';
export type { SlicImage, SlicOptions, Superpixels } from './slic';
