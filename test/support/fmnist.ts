/** The fixture model's class names, by index, as scripts/make-fixtures.py writes them (labels.txt, the sidecar). */
export const FMNIST_LABELS = [
  'T-shirt_top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle_boot',
];
