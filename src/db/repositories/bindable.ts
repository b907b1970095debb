import type { Db } from '../connect.js';

/**
 * A repository whose statements can run inside a transaction: `bind` gives the same
 * repository on another connection, so a service runs several of them in one transaction.
 */
export abstract class BindableRepository {
  constructor(protected readonly db: Db) {}

  /** This repository on another connection (a transaction). */
  bind(db: Db): this {
    // Every subclass is built from its connection alone.
    const Same = this.constructor as new (db: Db) => this;
    return new Same(db);
  }
}
