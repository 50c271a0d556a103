/** Budget meter: transcript reading, prices, spend, caps and the FinOps export. */
export * from './prices';
export { PRICE_SOURCE, catalogPrices } from './catalog';
export * from './transcript';
export * from './usage';
export * from './reader';
export * from './meter';
export * from './caps';
export * from './period';
export * from './finops';
