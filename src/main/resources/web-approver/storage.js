/*
 * The approver's devices in IndexedDB: database "approval-guard", store "devices", keyPath
 * "device_id". Each record holds its CryptoKeyPair as the CryptoKey objects themselves (structured
 * clone stores them without exporting), so the non-extractable private key never leaves this browser.
 */

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('approval-guard', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('devices', { keyPath: 'device_id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function dbRun(mode, action) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction('devices', mode);
      const request = action(tx.objectStore('devices'));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Devices of one realm's API only, oldest first: the same browser may be an approver in several realms. */
export async function loadDevices(apiBase) {
  const all = await dbRun('readonly', (store) => store.getAll());
  return all.filter((d) => d.apiBase === apiBase).sort((a, b) => a.enrolled_at - b.enrolled_at);
}

export const saveDevice = (record) => dbRun('readwrite', (store) => store.put(record));
export const deleteDevice = (deviceId) => dbRun('readwrite', (store) => store.delete(deviceId));
