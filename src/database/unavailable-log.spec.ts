import { QueryFailedError } from 'typeorm';
import { loggableError } from './unavailable-log';

describe('loggableError', () => {
  it("keeps a failed query's code and message, never its SQL, parameters or the row values of the constraint's detail", () => {
    const driverError = Object.assign(new Error('value too long for type character varying(200)'), {
      code: '22001',
      detail: 'Failing row contains (1001, Secret Holder Name, 500).',
    });
    const error = new QueryFailedError(
      'INSERT INTO accounts (account_number, holder_name) VALUES ($1, $2)',
      ['1001', 'Secret Holder Name'],
      driverError,
    );
    const logged = JSON.stringify(loggableError(error));
    expect(loggableError(error)).toMatchObject({
      type: 'QueryFailedError',
      message: '22001: value too long for type character varying(200)',
    });
    expect(logged).not.toContain('Secret Holder Name');
    expect(logged).not.toContain('INSERT INTO');
    expect(logged).not.toContain('Failing row');
  });

  it('describes a thrown non-Error by its text alone', () => {
    expect(loggableError('boom')).toEqual({ message: 'boom' });
  });
});
